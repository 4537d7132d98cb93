"""Sample instance configuration: copy to instance/config.py and adjust. No secrets in this file.

Settings here override the defaults in dispatch/config.py; environment variables of the same name
(DATABASE_URL, REDIS_URL, SECRET_KEY, STORAGE_DIR, SMTP_URL, MAIL_FROM, COMPANY_TIMEZONE, GEOCODER,
GEOCODER_URL, GEOCODER_USER_AGENT, RATELIMIT_STORAGE_URI, PUBLIC_BASE_URL, TOKEN_LIFETIME_HOURS,
MAX_UPLOAD_MB) override this file in turn. Leave SECRET_KEY out: one is generated into
instance/secret_key on the first start, or comes from the environment in production.
"""

# Database: empty means the SQLite file instance/dispatch.sqlite3. PostgreSQL needs `pip install -e .[postgres]`.
# DATABASE_URL = "postgresql://dispatch@127.0.0.1:5432/dispatch"

# Background tasks: empty means they run in-process right after each commit. With Redis, run `rq worker`.
# REDIS_URL = "redis://127.0.0.1:6379/0"

# Uploaded photos, signatures, receipts and invoices: empty means instance/files.
# STORAGE_DIR = "/srv/dispatch/files"

# Outgoing mail: smtp://host:port, smtps://host:465, smtp://host:587?starttls=1, with user:password@ if needed
# (percent-encode special characters in the password).
SMTP_URL = "smtp://127.0.0.1:25"
MAIL_FROM = "Service desk <service@example.com>"

# Times are stored in UTC and shown (and scheduled) in this zone.
COMPANY_TIMEZONE = "Europe/Amsterdam"

# Base URL used in e-mails and documents that link back to the app.
PUBLIC_BASE_URL = "http://127.0.0.1:5000"

# Geocoding of addresses (geopy): provider, its host, and the User-Agent it asks for.
GEOCODER = "nominatim"
GEOCODER_URL = "nominatim.openstreetmap.org"
GEOCODER_USER_AGENT = "dispatch-field-service (ops@example.com)"

# Where the login rate limiter counts attempts; empty means REDIS_URL if set, else this process's memory.
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/1"
LOGIN_RATE_LIMIT = "10 per minute"

# Bearer tokens for API clients and the technician app.
TOKEN_LIFETIME_HOURS = 24 * 30

# Largest accepted upload (photos) in megabytes.
MAX_UPLOAD_MB = 25

# Behind HTTPS in production, send the session cookie over HTTPS only.
# SESSION_COOKIE_SECURE = True
