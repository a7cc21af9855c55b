from common.settings import CommonSettings


class LedgerSettings(CommonSettings):
    service_name: str = "ledger"


settings = LedgerSettings()
