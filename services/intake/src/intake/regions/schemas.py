"""What the division tree answers."""

from pydantic import BaseModel, Field


class Division(BaseModel):
    code: str = Field(description="the statistical division code (2, 4, 6, 9 or 12 digits)")
    name: str
    level: str = Field(description="province, city, county, township or village")
    full_name: str = Field(description="the names from the province down, as the forms print them")
