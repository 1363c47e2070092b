import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { Auth } from '../auth/decorators/auth.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import {
  ApiEnvelope,
  ApiErrors,
  ApiPaginatedEnvelope,
} from '../common/swagger/api-responses.decorator.js';
import { Role } from '../users/role.enum.js';
import { ChangeOrderStatusDto } from './dto/change-order-status.dto.js';
import { AdminListOrdersQueryDto } from './dto/list-orders.query.js';
import { OrderDto } from './dto/order.dto.js';
import { RecordReturnDto } from './dto/record-return.dto.js';
import { ShipOrderDto } from './dto/ship-order.dto.js';
import { OrderShippingService } from './order-shipping.service.js';
import { StatusChangeSource } from './order-status.js';
import { ORDER_REF_PARAM } from './orders.controller.js';
import { OrdersService } from './orders.service.js';

/**
 * Registered before OrdersController (see OrdersModule) so `GET /orders/admin` is not read as
 * `GET /orders/:orderId`.
 */
@ApiTags('orders (admin)')
@Controller('orders/admin')
@Auth(Role.Admin)
export class AdminOrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly shipping: OrderShippingService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'All orders (admin): filter by status, user, order number, date; sort; paginate',
  })
  @ApiPaginatedEnvelope(OrderDto)
  @ApiErrors(400)
  list(@Query() query: AdminListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.orders.listForAdmin(query);
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'One order with who made each status change (admin)' })
  @ApiParam(ORDER_REF_PARAM)
  @ApiEnvelope(OrderDto)
  @ApiErrors(404)
  get(@CurrentUser() admin: AuthUser, @Param('orderId') orderId: string): Promise<OrderDto> {
    return this.orders.getForViewer(admin, orderId);
  }

  @Patch(':orderId/status')
  @ApiOperation({
    summary: 'Move an order to another status (admin)',
    description:
      'Legal moves: pending → processing | shipped | cancelled; processing → shipped | ' +
      'cancelled; shipped → delivered | returned; delivered → returned (shipped → cancelled ' +
      'only when the courier cancels the booking). Any other move is a 409 naming the ' +
      'current and requested status; moving to the current status changes nothing. ' +
      'Cancelling puts the units back in stock. To ship with a docket, use `POST …/ship`.',
  })
  @ApiParam(ORDER_REF_PARAM)
  @ApiEnvelope(OrderDto)
  @ApiErrors(400, 404, 409)
  changeStatus(
    @CurrentUser() admin: AuthUser,
    @Param('orderId') orderId: string,
    @Body() dto: ChangeOrderStatusDto,
  ): Promise<OrderDto> {
    return this.orders.changeStatus(orderId, dto.status, {
      source: StatusChangeSource.Admin,
      actor: admin.id,
      note: dto.note,
    });
  }

  @Post(':orderId/ship')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ship a parcel of an order: some or all unshipped units, any courier (admin)',
    description:
      'Ships `items` (default: every unit not yet shipped) as one parcel. Send ' +
      '`{ "docketNumber": "1234567890" }` for a Sequel247 docket you already have, ' +
      '`{ "book": true }` to book it through Sequel247 (which issues the docket), or ' +
      '`{ "courierService": "Manual", "docketNumber": "BD-778812", "carrierName": "Blue Dart" }` ' +
      'for a courier Docket has no API for (record its milestones with ' +
      '`POST /api/tracking/admin/{docketNumber}/scans`). Call again for the next parcel; each ' +
      'has its own docket and courier, and no unit can be in two parcels (concurrent calls ' +
      'included). The order moves to `shipped` once every unit not cancelled has left; it ' +
      'gains the parcel in `shipments`, updated `fulfilment`, and `trackingInfo` describes the ' +
      'parcel that moved last. A tracking record is created and a polled courier is asked once ' +
      '(a failure there does not fail the call; the next sync pass retries). Repeating the same ' +
      'call returns the same order. 409: more units than are left (`QUANTITY_NOT_SHIPPABLE`), ' +
      'nothing left to ship (`ORDER_ALREADY_SHIPPED`), a parcel still being shipped ' +
      '(`SHIPMENT_IN_PROGRESS`), the docket used by another order (`DOCKET_ALREADY_USED`), or ' +
      'the order is cancelled, delivered or returned (`ILLEGAL_STATUS_TRANSITION`). 400 also ' +
      'for booking with a courier that cannot book (`COURIER_CAPABILITY_MISSING`). 503: ' +
      'booking failed at the courier (nothing was changed).',
  })
  @ApiParam(ORDER_REF_PARAM)
  @ApiEnvelope(OrderDto)
  @ApiErrors(400, 404, 409, 503)
  ship(
    @CurrentUser() admin: AuthUser,
    @Param('orderId') orderId: string,
    @Body() dto: ShipOrderDto,
  ): Promise<OrderDto> {
    return this.shipping.ship(orderId, dto, admin);
  }

  @Post(':orderId/shipments/:docketNumber/return')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record that a parcel came back to the store (admin)',
    description:
      'For a parcel that has left (in transit, or delivered and sent back): it becomes ' +
      '`RETURNED_TO_ORIGIN`, its units go back in stock exactly once, and the order becomes ' +
      '`returned` when every shipped unit is back. Repeating it changes nothing. Courier RTOs ' +
      "(Sequel247 `SRTODLV`, or a manual parcel's RETURNED_TO_ORIGIN milestone) do the same " +
      'by themselves. 404: no such parcel on the order; 409: the parcel has not left yet or ' +
      'its booking was cancelled (`SHIPMENT_NOT_RETURNABLE`).',
  })
  @ApiParam(ORDER_REF_PARAM)
  @ApiParam({ name: 'docketNumber', description: "The parcel's tracking number" })
  @ApiEnvelope(OrderDto)
  @ApiErrors(400, 404, 409)
  recordReturn(
    @CurrentUser() admin: AuthUser,
    @Param('orderId') orderId: string,
    @Param('docketNumber') docketNumber: string,
    @Body() dto: RecordReturnDto,
  ): Promise<OrderDto> {
    return this.shipping.recordReturn(orderId, docketNumber, admin, dto.note);
  }
}
