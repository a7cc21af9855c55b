from common.migrations import run_env
from screening.models import Base

run_env(Base.metadata)
