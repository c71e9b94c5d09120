"""Models and interactive views of the system design course.

Each topic module holds a *model* (plain functions and frozen dataclasses,
checked by the tests) and a *view* (factories returning ipywidgets).
``CATALOG`` names every interactive the course shows, so tests and
benchmarks can find them all.
"""

from . import availability, capacity, interview

#: Every interactive of the course: name -> zero-argument factory.
CATALOG = {
    "capacity.calculator": capacity.calculator,
    "availability.nines": availability.nines,
    "availability.composite": availability.composite,
    "availability.error_budget": availability.error_budget_view,
    "interview.planner": interview.planner,
}

__all__ = ["CATALOG", "availability", "capacity", "interview"]
