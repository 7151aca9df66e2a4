"""Product-card-like fragments for tests and benchmarks (deterministic: a seed gives the same set).

Shaped after the real cards of prior-art.md: badges, an image with srcset, vendor line, title, prices
with compare-at price, swatches, a quick-add form; 40-120 elements each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CARD_CSS = """
.card { position: relative; padding: 12px; border: 1px solid #e5e5e5; border-radius: 6px; background: #fff; }
.card__media { display: block; width: 100%; aspect-ratio: 4 / 3; background: #f4f4f4; }
.card__badges { position: absolute; top: 8px; left: 8px; display: flex; gap: 4px; }
.badge { background: #111; color: #fff; font-size: 12px; padding: 2px 6px; border-radius: 3px; }
.badge--sale { background: #c00; }
.card__vendor { color: #666; font-size: 13px; margin: 8px 0 0; text-transform: uppercase; }
.card__title { font-size: 17px; margin: 4px 0; line-height: 1.3; }
.card__title a { color: #111; text-decoration: none; }
.price { display: flex; gap: 8px; align-items: baseline; margin: 6px 0; }
.price__sale { color: #c00; font-weight: 700; }
.price__compare { color: #888; text-decoration: line-through; font-size: 14px; }
.swatches { display: flex; gap: 6px; list-style: none; padding: 0; margin: 8px 0; }
.swatch { width: 18px; height: 18px; border-radius: 50%; border: 1px solid #ccc; }
.quick-add { display: flex; gap: 6px; margin-top: 10px; }
.quick-add select { flex: 1; padding: 6px; }
.btn { background: #111; color: #fff; border: 0; padding: 8px 14px; border-radius: 4px; font-weight: 600; }
.card__rating { color: #f5a623; font-size: 14px; }
"""
COLOURS = ("#1f3a93", "#c0392b", "#27ae60", "#f39c12", "#8e44ad", "#2c3e50", "#d35400", "#7f8c8d")
WORDS = ("Trail", "Runner", "Classic", "Canvas", "Leather", "Sneaker", "Boot", "Lite", "Pro", "Wool",
         "Linen", "Shirt", "Denim", "Jacket", "Everyday", "Tote")


@dataclass(frozen=True)
class Card:
    body_html: str
    css: str


def product_card(rng: random.Random) -> Card:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4)))
    price = rng.randint(10, 300)
    on_sale = rng.random() < 0.5
    swatches = "".join(f'<li class="swatch" style="background:{rng.choice(COLOURS)}" title="Colour {i}"></li>'
                       for i in range(rng.randint(2, 8)))
    sizes = "".join(f"<option>{s}</option>" for s in ("XS", "S", "M", "L", "XL")[: rng.randint(2, 5)])
    badges = '<span class="badge badge--sale">Sale</span>' if on_sale else ""
    if rng.random() < 0.3:
        badges += '<span class="badge">New</span>'
    compare = f'<s class="price__compare">${price + 20}.00</s>' if on_sale else ""
    stars = "★" * rng.randint(3, 5)
    body = f"""
<div class="card" data-product-id="{rng.randint(1000, 9999)}">
  <a href="/products/{title.lower().replace(' ', '-')}" class="card__link">
    <img class="card__media" src="/img/{price}.jpg" srcset="/img/{price}-400.jpg 400w, /img/{price}-800.jpg 800w"
         alt="{title}" width="400" height="300" loading="lazy">
  </a>
  <div class="card__badges">{badges}</div>
  <p class="card__vendor">Acme Outfitters</p>
  <h3 class="card__title"><a href="/products/x">{title}</a></h3>
  <div class="card__rating" aria-label="Rated {len(stars)} out of 5">{stars}</div>
  <div class="price"><span class="price__sale">${price}.00</span>{compare}</div>
  <ul class="swatches">{swatches}</ul>
  <form class="quick-add" action="/cart/add" method="post">
    <label class="visually-hidden" for="size-{price}" hidden>Size</label>
    <select id="size-{price}" name="size">{sizes}</select>
    <button type="submit" class="btn">Add to cart</button>
  </form>
</div>"""
    return Card(body, CARD_CSS)


def product_cards(count: int, seed: int = 7) -> list[Card]:
    rng = random.Random(seed)
    return [product_card(rng) for _ in range(count)]
