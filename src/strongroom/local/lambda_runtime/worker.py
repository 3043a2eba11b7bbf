"""A Lambda execution environment: imports one handler, then serves invocations from stdin.

Requests arrive one JSON line at a time on stdin; responses go, one JSON line each, to the
file descriptor named by ``STRONGROOM_RESPONSE_FD`` so that whatever the handler prints
(Powertools' JSON logs, EMF metrics) goes to stdout, which the runtime keeps as the log.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TextIO

from strongroom.local.lambda_runtime.context import LambdaContext

Handler = Callable[[Any, LambdaContext], Any]


def _load_handler(path: str) -> Handler:
    module_name, _, attribute = path.rpartition(".")
    module = importlib.import_module(module_name)
    handler: Handler = getattr(module, attribute)
    return handler


def _error(error_type: str, message: str, trace: list[str] | None = None) -> dict[str, Any]:
    return {"errorType": error_type, "errorMessage": message, "stackTrace": trace or []}


def _invoke(handler: Handler, request: dict[str, Any]) -> dict[str, Any]:
    context = LambdaContext(
        function_name=os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        function_version=os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        invoked_function_arn=request["invoked_function_arn"],
        memory_limit_in_mb=int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")),
        aws_request_id=request["request_id"],
        log_group_name=os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", ""),
        log_stream_name=os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", ""),
        deadline_epoch_ms=int(request["deadline_epoch_ms"]),
    )
    try:
        result = handler(request["event"], context)
    except Exception as error:
        trace = traceback.format_exception(error)
        print("".join(trace), file=sys.stderr, flush=True)
        return {"error": _error(type(error).__name__, str(error), trace)}
    finally:
        sys.stdout.flush()
    try:
        return {"payload": json.loads(json.dumps(result))}
    except (TypeError, ValueError) as error:
        return {"error": _error("Runtime.MarshalError", f"Unable to marshal response: {error}")}


def serve(handler_path: str, requests: TextIO, responses: TextIO) -> None:
    try:
        handler: Handler | None = _load_handler(handler_path)
        init_error = None
    except Exception as error:
        handler = None
        init_error = _error(
            "Runtime.ImportModuleError", f"Unable to import {handler_path}: {error}"
        )
        print(traceback.format_exc(), file=sys.stderr, flush=True)
    responses.write(json.dumps({"ready": init_error is None}) + "\n")
    responses.flush()
    for line in requests:
        request = json.loads(line)
        response = {"error": init_error} if handler is None else _invoke(handler, request)
        response["request_id"] = request["request_id"]
        responses.write(json.dumps(response) + "\n")
        responses.flush()


def main() -> None:
    response_fd = int(os.environ["STRONGROOM_RESPONSE_FD"])
    with os.fdopen(response_fd, "w", encoding="utf-8") as responses:
        serve(os.environ["_HANDLER"], sys.stdin, responses)


if __name__ == "__main__":
    main()
