"""The RQ worker that `haveyoursay worker` runs with TASKS_BACKEND=rq: RQ's own (or the one
the settings name, RQ["WORKER_CLASS"]), stopping promptly.

An RQ worker listens for commands (stop a job, shut down) on a Redis channel, in a thread of
its own that waits for a message up to 60 seconds at a time. When the worker stops, it
unsubscribes and waits for that thread to end. Since redis-py 8.2 that wait has no limit
(`PubSubWorkerThread.stop` joins the thread), so with RQ 3.0 a worker told to stop (by
systemd on a restart, or after `--max-tasks`) went on for up to a minute more, doing nothing:
measured, 60 s from SIGTERM to exit, idle. Here the thread wakes every
`COMMAND_WAIT_SECONDS` to see whether it should end: a worker stops within about that.
"""

# How long the command thread waits for a message before it looks again whether to end: the
# longest a stopping worker waits for it. RQ 2 used 0.2 s; one wake-up a second costs nothing.
COMMAND_WAIT_SECONDS = 1.0


class StopsPromptly:
    """Mixed into an RQ worker class (`stopping_promptly`)."""

    def subscribe(self):
        """RQ's `subscribe`, with the thread waiting `COMMAND_WAIT_SECONDS` at a time, not 60."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=COMMAND_WAIT_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler
        )


def stopping_promptly(worker_class):
    """The RQ worker class `worker_class`, stopping promptly."""
    if issubclass(worker_class, StopsPromptly):
        return worker_class
    return type(worker_class.__name__, (StopsPromptly, worker_class), {"__module__": __name__})
