from . import demo, models, tools
