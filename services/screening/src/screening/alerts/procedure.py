"""Verifying an alert (部门筛查预警 → 核实): the village and township look at the household; the township
confirms (the alert goes to intake and opens or joins an identification case) or dismisses it with a
reason (中农组发〔2021〕7号: alerts from department data are verified on the spot). The system withdraws an
alert its records no longer support (a department corrected or withdrew them)."""

from common.auth import Role
from common.errors import Conflict
from common.procedure import Procedure, step
from contracts.screening import AlertConfirmedV1


class IllegalAlertStep(Conflict):
    slug, title = "illegal-alert-step", "This step is not allowed in the alert's current state"
    title_zh = "预警当前状态下不能进行此操作"


VERIFICATION = Procedure(
    "alert",
    (
        step("verify", {"open"}, "verifying", Role.village_cadre, Role.township_officer),
        step("confirm", {"verifying"}, "confirmed", Role.township_officer, event=AlertConfirmedV1),
        step("dismiss", {"open", "verifying"}, "dismissed", Role.township_officer),
        # Taken by the system, never by a person: a correction of the records leaves nothing to verify.
        step("withdraw", {"open", "verifying"}, "withdrawn", system=True),
    ),
    IllegalAlertStep,
)
