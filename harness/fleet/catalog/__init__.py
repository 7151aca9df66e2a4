"""The recipe catalog: every component's edit recipes (one module per component pack)."""

from __future__ import annotations

from collections.abc import Mapping

from harness.fleet.catalog import cart_line, collection_banner, mini_cart, product_card, quick_view
from harness.fleet.recipes import Recipe

_CATALOGS = (product_card.CATALOG, quick_view.CATALOG, cart_line.CATALOG, mini_cart.CATALOG,
             collection_banner.CATALOG)


def recipes_by_component() -> Mapping[str, tuple[Recipe, ...]]:
    """component -> its recipes, in declaration order."""
    return {catalog.component: tuple(catalog.recipes) for catalog in _CATALOGS}


def all_recipes() -> tuple[Recipe, ...]:
    return tuple(recipe for catalog in _CATALOGS for recipe in catalog.recipes)


def recipe(recipe_id: str) -> Recipe:
    """The recipe with id ``component/name`` (KeyError when there is none)."""
    for candidate in all_recipes():
        if candidate.id == recipe_id:
            return candidate
    raise KeyError(recipe_id)


__all__ = ["all_recipes", "recipe", "recipes_by_component"]
