// A playbook that uses every kind of expression the language has, for the
// differential tests and the semantics tests: optional fields of every
// type, tables keyed by strings, numbers, durations and booleans, list
// literals with non-constant items, two non-literal strings compared,
// `domain` of fields and of literals, `points` of a later category,
// `lead_tier` and `lead_status`, and `event.x` in triggers and dispositions.

let exoticPlaybook = #"""
EVENT lead_created
EVENT demo_trade
EVENT email_open
EVENT webinar_attended(ends_at: TIME)
EVENT email_click(cta: STRING, weight: NUMBER?)
EVENT call_outcome(code: STRING, callback_at: TIME?, agent_id: STRING?)
EVENT opt_out(channel: STRING)
EVENT flagged(ok: BOOL, wait: DURATION?)

FIELD age: NUMBER?
FIELD affiliate_id: STRING?
FIELD vip: BOOL?
FIELD trial: DURATION?
FIELD referrer: STRING?
FIELD tier_code: NUMBER?

LIST tier1 = ["GB", "AU", "DE"]
LIST lucky = [7, 13, 42]
LIST short_waits = [1h, 2h]
LIST flags = [TRUE]
LIST free = ["gmail.com", "example.com"]

TABLE quality BY affiliate_id DEFAULT 5:
    "a1" => 10
    "a2" => 8

TABLE by_code BY tier_code:
    1 => 20
    2 => 10

TABLE label BY country DEFAULT "other":
    "GB" => "uk"
    "DE" => "dach"

TABLE trial_bonus BY trial:
    1h => 3

TABLE vip_points BY vip:
    TRUE => 4

QUEUE q_a
QUEUE q_b
QUEUE q_c
TEMPLATE welcome EMAIL

SCORE activity MAX 40:
    count(demo_trade) BETWEEN 2 AND 5                  => 10
    seen(email_open) AND NOT seen(demo_trade)          => 5
    last(demo_trade) - first(demo_trade) > 2d          => 7
    lead_age < 1d                                      => 6
    first(email_open) + 1h <= now                      => 3
    age 30-40 OR age IN lucky                          => 4
    vip                                                => 2
    vip = FALSE                                        => 1
    NOT vip                                            => 1
    vip IN flags                                       => 1
    trial IN short_waits                               => 2
    trial BETWEEN 30m AND registered_at - registered_at + 3h => 1
    present(age)                                       => quality
    referrer = email                                   => 3
    domain(referrer) = domain(email)                   => 2
    label = "dach"                                     => 2
    referrer IN [email, affiliate_id, "x"]             => 1
    by_code > 5                                        => by_code
    trial_bonus > 0                                    => trial_bonus
    vip_points = 4                                     => vip_points
    -age < -50                                         => 2
    age + 1 - 2 >= 20                                  => 1
    attempts >= 2                                      => 1
    domain(email) NOT IN free                          => 1

SCORE combo MAX 15:
    points(activity) >= 20   => 10
    points(later) > 0        => 3
    lead_tier = "hot"        => 2
    lead_status = "nurturing" => 1
    lead_score > 0           => 1

SCORE later MAX 10:
    domain("Someone@Example.COM") = "example.com"          => 1
    source != "affiliate"                                   => 4
    country = ip_country                                    => 2
    NOT (country IN tier1 OR ip_country IN tier1)           => 3
    TRUE                                                    => 1

TIER hot WHEN lead_score >= 40: CALL WITHIN 60s
TIER warm WHEN lead_score BETWEEN 20 AND 39: CALL WITHIN 2h
TIER cold WHEN lead_score < 20: NURTURE

IF lead_score >= 40 AND language = "German" AND present(phone):
    ASSIGN TO q_a

IF lead_tier = "warm" OR (language != "English" AND lead_score > 10):
    ASSIGN TO q_b

IF TRUE:
    ASSIGN TO q_c

ON email_click WHERE event.cta = "book_call" AND present(event.weight): CALLBACK IN 15m TO q_a
ON email_click WHERE event.weight > 2 OR event.cta = referrer: CALLBACK NOW TO q_a
ON webinar_attended WHERE event.ends_at + 30m > now: CALLBACK AT event.ends_at + 30m TO q_a
ON flagged WHERE event.ok AND event.wait < 1h: CALLBACK IN event.wait TO q_a
ON opt_out: BLOCK event.channel "opted out"

DISPOSITION C01 "Connected": CALLBACK AT event.callback_at

CALLING HOURS MON-FRI 09:00-20:00

QUARANTINE WHEN source = "affiliate" FOR 30m:
    RELEASE WHEN lead_score >= 20 AND lead_age > 10m
    EMAIL welcome FOR 7d
    GRADUATE ON email_open

CADENCE early DAYS 1-14 WHEN NOT seen(demo_trade):
    CALL 2 PER WEEK
    ON email_open WHERE domain(email) IN free: ESCALATE TO warm
    EXIT WHEN count(demo_trade) >= 3
"""#
