"""The console: server-rendered pages over the four services ' APIs."""
