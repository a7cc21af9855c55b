"""Lists back to the departments (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021): 区乡村振兴部门定期向教育、
民政、人社、卫健、医保、住建等部门推送监测帮扶信息，各部门及时反馈): each department's list of monitored households
with the risks and measures that concern it, and what it reports back carried out."""

# Which measures and risks concern each department account (the feeds' department codes), from the
# catalogue's responsible departments (附件6 三、帮扶措施) and the risks each department's data speaks to.
MEASURES: dict[str, frozenset[str]] = {
    "civil-affairs": frozenset({"dibao", "tekun", "temporary_assistance", "disability_allowance"}),
    "medical-insurance": frozenset({"health"}),
    "health": frozenset({"health"}),
    "education": frozenset({"compulsory_education", "education_aid", "motivation_skills"}),
    "housing": frozenset({"housing_safety", "living_conditions", "infrastructure"}),
    "disability": frozenset({"disability_allowance"}),
    "human-resources": frozenset({"employment", "public_welfare_job", "motivation_skills"}),
    "water": frozenset({"drinking_water"}),
    "emergency-management": frozenset({"temporary_assistance"}),
    "finance": frozenset({"micro_credit"}),
}
RISKS: dict[str, frozenset[str]] = {
    "civil-affairs": frozenset({"lack_of_labour", "other", "natural_disaster", "accident", "policy_transition"}),
    "medical-insurance": frozenset({"illness"}),
    "health": frozenset({"illness"}),
    "education": frozenset({"schooling"}),
    "housing": frozenset({"natural_disaster", "housing_unsafe", "other"}),
    "disability": frozenset({"disability"}),
    "human-resources": frozenset({"unstable_employment", "lack_of_labour", "industry_failure"}),
    "water": frozenset({"drinking_water_unsafe"}),
    "emergency-management": frozenset({"natural_disaster", "accident"}),
    "finance": frozenset({"microloan_overdue"}),
}
