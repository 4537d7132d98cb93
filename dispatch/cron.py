"""RQ cron configuration: ``rq cron dispatch/cron.py --url $REDIS_URL`` (DESIGN.md: rq cron for periodic work)."""

from rq import cron

from dispatch.periodic import SCHEDULE, run

for _name, (_function, _interval) in SCHEDULE.items():
    cron.register(run, queue_name="default", args=(_name,), interval=_interval, name=_name)
