from common.migrations import run_env
from screening.schema import Base

run_env(Base.metadata)
