"""Models and interactive views of the system design course.

Each topic module holds a *model* (plain functions and frozen dataclasses,
checked by the tests) and a *view* (factories returning ipywidgets).
``CATALOG`` names every interactive the course shows.
"""
