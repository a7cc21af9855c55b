"""Vocabulary shared by several contracts (中农组发〔2021〕7号)."""

from enum import StrEnum


class Channel(StrEnum):
    self_declaration = "self_declaration"  # 农户自主申报
    cadre_screening = "cadre_screening"  # 基层干部排查
    department_alert = "department_alert"  # 部门筛查预警
    social_supervision = "social_supervision"  # 社会监督


class ObjectType(StrEnum):
    unstable_lifted = "unstable_lifted"  # 脱贫不稳定户
    marginal = "marginal"  # 边缘易致贫户
    sudden_hardship = "sudden_hardship"  # 突发严重困难户


class RiskCategory(StrEnum):
    illness = "illness"
    schooling = "schooling"
    disability = "disability"
    natural_disaster = "natural_disaster"
    accident = "accident"
    industry_failure = "industry_failure"
    unstable_employment = "unstable_employment"
    lack_of_labour = "lack_of_labour"
    other = "other"
    # 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三)'s nine types beyond the nine above:
    # 新增住房不安全、新增饮水不安全、政策衔接引发、扶贫资产监管不善、小额贷款逾期.
    housing_unsafe = "housing_unsafe"
    drinking_water_unsafe = "drinking_water_unsafe"
    policy_transition = "policy_transition"
    asset_mismanagement = "asset_mismanagement"
    microloan_overdue = "microloan_overdue"


class Grade(StrEnum):
    red = "red"
    orange = "orange"
    yellow = "yellow"


class LabourCapacity(StrEnum):
    full = "full"  # 普通劳动力
    partial = "partial"  # 弱劳动力或半劳动力
    none = "none"  # 无劳动力
    lost = "lost"  # 丧失劳动力
