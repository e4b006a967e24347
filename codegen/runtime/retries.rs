// Retries: when a failed attempt is tried again, and how long to wait first.

/// When to send a request again: after a transport failure, or a `429 Too Many Requests`
/// or `503 Service Unavailable` answer, waiting longer each time (exponential backoff with
/// jitter), or as long as a `Retry-After` header asks, within a number of attempts and a
/// total time.
///
/// A request whose method is not idempotent (`POST`, `PATCH`) is sent again only when
/// it cannot have arrived (the connection failed), unless
/// [`non_idempotent`](Self::non_idempotent) allows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retry {
    attempts: u32,
    initial_delay: std::time::Duration,
    max_delay: std::time::Duration,
    max_elapsed: std::time::Duration,
    non_idempotent: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Retry::new(3)
    }
}

impl Retry {
    /// At most `attempts` attempts in all, the first included; waiting about 100 ms before
    /// the second, then twice as long each time, at most 10 s between two attempts and
    /// 30 s in all.
    pub fn new(attempts: u32) -> Self {
        Retry {
            attempts: attempts.max(1),
            initial_delay: std::time::Duration::from_millis(100),
            max_delay: std::time::Duration::from_secs(10),
            max_elapsed: std::time::Duration::from_secs(30),
            non_idempotent: false,
        }
    }

    /// The wait before the second attempt, doubled for each further one.
    pub fn initial_delay(mut self, delay: std::time::Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest wait between two attempts, `Retry-After` included: a server asking for
    /// more is not retried.
    pub fn max_delay(mut self, delay: std::time::Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest time from the first attempt to the start of the last.
    pub fn max_elapsed(mut self, elapsed: std::time::Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Whether requests that are not idempotent (`POST`, `PATCH`) are retried too after
    /// they may have arrived: only when the operation is safe to repeat.
    pub fn non_idempotent(mut self, allowed: bool) -> Self {
        self.non_idempotent = allowed;
        self
    }
}

/// How long to wait before attempt `number + 1`, after `outcome`; `None` when there is
/// to be none.
fn retry_delay(
    retry: &Retry,
    outcome: &Result<reqwest::Response, SendError>,
    idempotent: bool,
    number: u32,
    elapsed: std::time::Duration,
) -> Option<std::time::Duration> {
    if number >= retry.attempts {
        return None;
    }
    let repeatable = idempotent || retry.non_idempotent;
    let asked = match outcome {
        Ok(response) => {
            let status = response.status().as_u16();
            if !(repeatable && (status == 429 || status == 503)) {
                return None;
            }
            retry_after(response.headers())
        }
        // Nothing was sent when the connection could not be made.
        Err(SendError::Transport(error)) if repeatable || error.is_connect() => None,
        Err(_) => return None,
    };
    let backoff = retry
        .initial_delay
        .saturating_mul(1 << (number - 1).min(16))
        .min(retry.max_delay);
    // Equal jitter: half the backoff, and up to as much again at random.
    let jittered = backoff / 2 + backoff.mul_f64(random_fraction() / 2.0);
    let delay = match asked {
        Some(asked) if asked > retry.max_delay => return None,
        Some(asked) => asked.max(jittered),
        None => jittered,
    };
    (elapsed + delay <= retry.max_elapsed).then_some(delay)
}

/// A number in `[0, 1)` that differs from call to call: enough randomness for jitter.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// How long a `Retry-After` header asks to wait: a number of seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(std::time::Duration::from_secs(seconds));
    }
    let at = http_date(value)?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// An HTTP date in its preferred form, `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110).
fn http_date(text: &str) -> Option<std::time::SystemTime> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = fields.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day: i64 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let clock: Vec<i64> = time
        .split(':')
        .map(|part| part.parse().ok())
        .collect::<Option<_>>()?;
    let [hours, minutes, seconds] = clock.as_slice() else {
        return None;
    };
    let in_range = (1..=31).contains(&day)
        && (0..24).contains(hours)
        && (0..60).contains(minutes)
        && (0..=60).contains(seconds);
    if !in_range {
        return None;
    }
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    let shifted = if month <= 2 { year - 1 } else { year };
    let era = shifted.div_euclid(400);
    let of_era = shifted - era * 400;
    let of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let of_cycle = of_era * 365 + of_era / 4 - of_era / 100 + of_year;
    let days = era * 146_097 + of_cycle - 719_468;
    let total = days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
    let total = u64::try_from(total).ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(total))
}
