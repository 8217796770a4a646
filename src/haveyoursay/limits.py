"""How often something may be done in an hour: starting responses, guessing resume codes,
sending resume emails.

The counts live in the `limits` cache, which every worker process shares and a restart
keeps: the database (`DatabaseCounterCache`, in its own table) unless REDIS_URL is set, when
Redis. Each count is under a key made from a keyed hash of what is counted (an address, a
code, a response), never the thing itself, and lasts the hour from its first attempt.

    RESUME_GUESSES_FROM_ADDRESS.reached(address)   # before trying
    RESUME_GUESSES_FROM_ADDRESS.count(address)     # after a wrong guess

When the store can't be reached (the database busy with a long import, Redis down), nothing
is counted and nothing refused: the limits slow abuse down, they must not stop residents.
"""

import base64
import hashlib
import hmac
import logging
import pickle

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, models, router, transaction
from django.utils.timezone import now

try:
    from redis.exceptions import RedisError
except ImportError:  # Redis is an optional extra
    RedisError = DatabaseError

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60 * 60
STORE_ERRORS = (DatabaseError, RedisError, OSError)


class DatabaseCounterCache(DatabaseCache):
    """Django's database cache, with an `incr` that two workers can't interleave and that
    keeps the key's expiry (Django's own reads, then writes the value back with the default
    timeout: two workers counting at once lost a count, and an hour's count lasted five
    minutes)."""

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        table = qn(self._table)
        # SQLite takes its write lock as the transaction begins (see settings); elsewhere the
        # row is locked until the new count is written.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('value')}, {qn('expires')} FROM {table} WHERE {qn('cache_key')} = %s{lock}", [key]
            )
            row = cursor.fetchone()
            if row is None or self._as_datetime(connection, row[1]) < now():
                raise ValueError(f"Key {key!r} not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta
            cursor.execute(
                f"UPDATE {table} SET {qn('value')} = %s WHERE {qn('cache_key')} = %s",
                [base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"), key],
            )
        return value

    @staticmethod
    def _as_datetime(connection, value):
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value


class Limit:
    """At most `per_hour` of `action` for any one subject (an address, a code, a response)."""

    def __init__(self, action, per_hour):
        self.action = action
        self.per_hour = per_hour

    def key(self, subject):
        digest = hmac.new(settings.SECRET_KEY.encode(), f"{self.action}:{subject}".encode(), hashlib.sha256)
        return f"limit:{self.action}:{digest.hexdigest()[:32]}"

    def used(self, subject):
        try:
            return caches["limits"].get(self.key(subject), 0)
        except STORE_ERRORS:
            logger.warning("Could not read the %s limit: its store is busy or unreachable", self.action)
            return 0

    def reached(self, subject):
        """True once `subject` has used up this hour's allowance."""
        return self.used(subject) >= self.per_hour

    def count(self, subject):
        """Count one more for `subject`; the number counted this hour."""
        cache, key = caches["limits"], self.key(subject)
        try:
            cache.add(key, 0, WINDOW_SECONDS)
            try:
                return cache.incr(key)
            except ValueError:  # the hour ran out between the two calls
                cache.set(key, 1, WINDOW_SECONDS)
                return 1
        except STORE_ERRORS:
            logger.warning("Could not count towards the %s limit: its store is busy or unreachable", self.action)
            return 0

    def take(self, subject):
        """Count one more for `subject`; False (and nothing counted) if none was left."""
        if self.reached(subject):
            return False
        return self.count(subject) <= self.per_hour


# Starting a response: a drop-in event or a library can start many from one address.
STARTS_FROM_ADDRESS = Limit("start", 100)
# Wrong resume codes. A code is counted by each of its halves, so someone who has seen half
# of one (over a shoulder, on a photo of a note) can't try the rest; an address may guess
# more, so that everyone behind one (a library, mobile data) isn't locked out by one person.
RESUME_GUESSES_PER_CODE = Limit("resume-code", 10)
RESUME_GUESSES_FROM_ADDRESS = Limit("resume-address", 100)
# Resume links by email: a few for each response, and no flood from one address.
RESUME_EMAILS_PER_RESPONSE = Limit("resume-email-response", 3)
RESUME_EMAILS_FROM_ADDRESS = Limit("resume-email-address", 20)
# Asking to follow a consultation or a body: each asks for a confirmation email, so a few to
# any one address (beyond that nothing more is sent, and the page says the same), and no flood
# from one connection.
FOLLOW_REQUESTS_FROM_ADDRESS = Limit("follow-address", 20)
FOLLOW_EMAILS_TO_ADDRESS = Limit("follow-email", 3)
