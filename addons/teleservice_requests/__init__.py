from . import controllers, demo, models, tools, wizards
