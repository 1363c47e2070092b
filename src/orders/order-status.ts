export enum OrderStatus {
  Pending = 'pending',
  Processing = 'processing',
  Shipped = 'shipped',
  Delivered = 'delivered',
  Cancelled = 'cancelled',
  Returned = 'returned',
}

/** Who caused a status change; recorded on every `statusHistory` entry. */
export enum StatusChangeSource {
  Customer = 'customer',
  Admin = 'admin',
  Courier = 'courier',
  System = 'system',
}
