import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
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
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @ApiOperation({
    summary: 'All orders (admin): filter by status, user, order number, date; sort; paginate',
  })
  @ApiPaginatedEnvelope(OrderDto)
  @ApiErrors(400)
  list(@Query() query: AdminListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.orders.listForAdmin(query);
  }

  @Patch(':orderId/status')
  @ApiOperation({
    summary: 'Move an order to another status (admin)',
    description:
      'Legal moves: pending → processing | shipped | cancelled; processing → shipped | ' +
      'cancelled; shipped → delivered | returned; delivered → returned. Any other move is a ' +
      '409 naming the current and requested status; moving to the current status changes ' +
      'nothing. Cancelling puts the units back in stock.',
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
}
