"""Render the status report."""
import os


def render(counter):
    return "report: %d requests, uid=%d\n" % (counter, os.getuid())
