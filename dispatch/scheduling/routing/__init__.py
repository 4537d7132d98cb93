"""Routes: order one technician's day and plan a day's unscheduled jobs across technicians.

``problem`` holds the pure model (minutes since the day's start, points, a travel matrix) and the one
timing rule every plan is judged by; ``greedy`` and ``solver`` (OR-Tools) propose routes for it;
``services`` builds problems from the database and applies plans through the scheduling services.
"""
