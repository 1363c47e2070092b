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
    summary: 'Ship an order with a Sequel247 docket, or book the shipment with Sequel247 (admin)',
    description:
      'Send `{ "docketNumber": "1234567890" }` for a docket you already have, or ' +
      '`{ "book": true }` to book the shipment through Sequel247, which issues the docket. ' +
      'The order moves to `shipped` (from `pending` or `processing`) with `trackingNumber` and ' +
      '`courierService`, a tracking record is created and the courier is polled once (a ' +
      'courier failure there does not fail the call; the next sync pass retries). Repeating ' +
      'the same call returns the same order. 409: the docket is used by another order ' +
      '(`DOCKET_ALREADY_USED`), the order already shipped with another docket ' +
      '(`ORDER_ALREADY_SHIPPED`) or is being shipped with one (`SHIPMENT_IN_PROGRESS`), or it ' +
      'is cancelled, delivered or returned (`ILLEGAL_STATUS_TRANSITION`). 503: booking failed ' +
      'at the courier (nothing was changed).',
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
}
