from common.migrations import run_env
from screening.base import Base

run_env(Base.metadata)
