from . import demo_letters
