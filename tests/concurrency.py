"""Several people pressing a button at the same moment, each signed in on a browser of their own."""

import threading

from django.db import connection
from django.test import Client


def at_once(requests) -> list:
    """Run each ``(user, request)`` pair's ``request(client)`` at the same moment, ``client`` signed in as ``user``;
    the answers, in order. Needs committed transactions (``django_db(transaction=True)``) to really overlap."""
    start = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(index, user, request):
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            answers[index] = request(client)
        finally:
            connection.close()  # each thread has its own connection: close it, or the test database stays open

    threads = [threading.Thread(target=run, args=(index, *pair)) for index, pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
