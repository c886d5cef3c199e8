"""The shop's Tortoise models."""

from .catalog import Category, Product, Supplier, Tag
from .customers import Address, Customer
from .inventory import InventoryItem, Warehouse
from .orders import Cart, Coupon, Order, OrderItem, Payment, Shipment
from .reviews import Review

__all__ = [
    "Address",
    "Cart",
    "Category",
    "Coupon",
    "Customer",
    "InventoryItem",
    "Order",
    "OrderItem",
    "Payment",
    "Product",
    "Review",
    "Shipment",
    "Supplier",
    "Tag",
    "Warehouse",
]
