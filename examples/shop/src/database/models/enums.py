"""Enumerations shared by the shop models."""

from enum import Enum, IntEnum


class ProductStatus(str, Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    DISCONTINUED = "discontinued"


class OrderStatus(str, Enum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class PaymentMethod(str, Enum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    PAYPAL = "paypal"


class AddressKind(str, Enum):
    SHIPPING = "shipping"
    BILLING = "billing"


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
