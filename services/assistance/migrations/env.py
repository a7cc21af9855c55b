from common.migrations import run_env
from assistance.models import Base

run_env(Base.metadata)
