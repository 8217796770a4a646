"""The council's colour, served as a stylesheet so the compiled GOV.UK Frontend CSS stays
the same for every council and no inline style is needed."""

import colorsys
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_safe


def _darker(hex_colour, by=0.25):
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    red, green, blue = colorsys.hls_to_rgb(hue, max(0.0, lightness * (1 - by)), saturation)
    return "#" + "".join(f"{round(c * 255):02x}" for c in (red, green, blue))


@lru_cache(maxsize=4)
def theme_css(colour):
    return f":root {{ --hys-brand: {colour}; --hys-brand-dark: {_darker(colour)}; }}\n"


@require_safe
def stylesheet(request):
    response = HttpResponse(theme_css(settings.COUNCIL_COLOUR), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
