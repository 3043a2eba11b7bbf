"""``SOXAuto-PG01``: the seed's function. Invoked with ``{"cutoff_date": "2024-01-01"}`` or ``{}``
(``aws lambda invoke``), by the monthly schedule, or by ``strongroom sox run``.

Answers ``{"statusCode": 200 | 207 | 500, "body": {...}}``: none failed, some failed, all failed
(each failure is in its run record, in ``IPEExecutionFailure`` and its alarm); a container IPE is
``submitted`` with its Batch job, whose run record follows. A bad
event or cutoff answers 400 naming the field and the rule, before anything is extracted.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.observability import logger, metrics
from strongroom.core.timefmt import utc_now
from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.domain.catalog import UnknownIpe
from strongroom.sox_evidence.domain.cutoff import InvalidCutoff
from strongroom.sox_evidence.domain.requests import InvalidRunRequest, parse_run_request
from strongroom.sox_evidence.services.pg01_run import TimeBudget, run_pg01

BAD_REQUEST = 400


def _refused(problems: list[tuple[str, str]]) -> dict[str, Any]:
    logger.warning("run refused", problems=problems)
    message = "; ".join(f"{field}: {rule}" for field, rule in problems)
    errors = [{"field": field, "rule": rule} for field, rule in problems]
    return {"statusCode": BAD_REQUEST, "body": {"message": message, "errors": errors}}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    config = wiring.settings()
    try:
        request = parse_run_request(event, context.invoked_function_arn)
        result = run_pg01(
            request,
            cutoff_setting=config.cutoff_date,
            open_source=wiring.open_source,
            store=wiring.results_store(),
            clock=utc_now,
            package_version=wiring.PACKAGE_VERSION,
            limits=config.limits,
            budget=TimeBudget(context.get_remaining_time_in_millis, config.budget_margin_s),
            launcher=wiring.launcher(),
            packager=wiring.evidence_packager(),
        )
    except InvalidRunRequest as error:
        return _refused(error.problems)
    except InvalidCutoff as error:
        return _refused([(error.field, error.rule)])
    except UnknownIpe as error:
        return _refused([("ipe_ids", str(error))])
    return {"statusCode": result.status_code, "body": result.model_dump(mode="json")}
