import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus, StatusChangeSource } from '../order-status.js';
import { ShippingAddressDto } from './shipping-address.dto.js';
import { FulfilmentDto, OrderShipmentDto } from './order-shipment.dto.js';
import { TrackingInfoDto } from './tracking-info.dto.js';

export class OrderItemDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'Product id' })
  product: string;

  @ApiProperty({ example: 'DKT-RING-001', description: 'SKU when ordered' })
  sku: string;

  @ApiProperty({ example: '22K Gold Solitaire Ring', description: 'Name when ordered' })
  name: string;

  @ApiProperty({ example: 2499900, description: 'Unit price in paise when ordered' })
  unitPricePaise: number;

  @ApiProperty({ example: 1 })
  quantity: number;

  @ApiProperty({ example: 2499900, description: 'unitPricePaise × quantity' })
  lineTotalPaise: number;
}

/** A status change as customers see it. */
export class StatusChangeDto {
  @ApiProperty({
    enum: OrderStatus,
    nullable: true,
    example: OrderStatus.Pending,
    description: 'Null on the entry written when the order was placed',
  })
  from: OrderStatus | null;

  @ApiProperty({ enum: OrderStatus, example: OrderStatus.Processing })
  to: OrderStatus;

  @ApiProperty()
  at: Date;

  @ApiProperty({ enum: StatusChangeSource, example: StatusChangeSource.Admin })
  source: StatusChangeSource;

  @ApiProperty({ example: 'Packed at the Jaipur workshop', nullable: true, type: String })
  note: string | null;
}

/** A status change as admins see it: with who made it. */
export class AdminStatusChangeDto extends StatusChangeDto {
  @ApiProperty({
    example: '665f1c2e8b3e4a0012345678',
    nullable: true,
    type: String,
    description: 'User id for customer/admin changes, else the courier or job',
  })
  actor: string | null;
}

/**
 * The order view. Field names follow the seed's contract (`_id`, `orderNumber`, `orderStatus`,
 * `trackingInfo`); others are additions. Customers get CustomerOrderDto (no status actors).
 */
class OrderViewBase {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345699', description: 'Order id' })
  _id: string;

  @ApiProperty({ example: 'DKT-261125-7KQ2XM', description: 'Unique, human-friendly' })
  orderNumber: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'Id of the ordering user' })
  user: string;

  @ApiProperty({ example: 'asha@example.in', description: 'Customer email at order time' })
  customerEmail: string;

  @ApiProperty({ type: [OrderItemDto] })
  items: OrderItemDto[];

  @ApiProperty({ example: 2499900, description: 'Sum of line totals, paise' })
  subtotalPaise: number;

  @ApiProperty({ example: 0, description: 'Flat fee from ORDER_SHIPPING_FEE_PAISE, paise' })
  shippingFeePaise: number;

  @ApiProperty({ example: 2499900, description: 'subtotalPaise + shippingFeePaise' })
  totalPaise: number;

  @ApiProperty({ example: 'INR' })
  currency: string;

  @ApiProperty({ type: ShippingAddressDto })
  shippingAddress: ShippingAddressDto;

  @ApiProperty({ enum: OrderStatus, example: OrderStatus.Pending })
  orderStatus: OrderStatus;

  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Docket of the parcel whose status changed most recently; set when shipped',
  })
  trackingNumber: string | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Set when shipped' })
  courierService: string | null;

  @ApiProperty({
    type: TrackingInfoDto,
    description:
      "The seed's single tracking block: it describes the parcel whose status changed most " +
      'recently (see `shipments` for every parcel)',
  })
  trackingInfo: TrackingInfoDto;

  @ApiProperty({ type: [OrderShipmentDto], description: 'Every parcel of the order, oldest first' })
  shipments: OrderShipmentDto[];

  @ApiProperty({ type: FulfilmentDto })
  fulfilment: FulfilmentDto;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

/** An order as its customer sees it. */
export class CustomerOrderDto extends OrderViewBase {
  @ApiProperty({ type: [StatusChangeDto], description: 'Every status change, oldest first' })
  statusHistory: StatusChangeDto[];
}

/** An order as admins see it, with who made each status change. */
export class OrderDto extends OrderViewBase {
  @ApiProperty({ type: [AdminStatusChangeDto], description: 'Every status change, oldest first' })
  statusHistory: AdminStatusChangeDto[];
}
