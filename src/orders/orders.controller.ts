import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user.js';
import { Auth } from '../auth/decorators/auth.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import {
  ApiEnvelope,
  ApiErrors,
  ApiPaginatedEnvelope,
} from '../common/swagger/api-responses.decorator.js';
import { ListMyOrdersQueryDto } from './dto/list-orders.query.js';
import { CustomerOrderDto } from './dto/order.dto.js';
import { PlaceOrderDto } from './dto/place-order.dto.js';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyKey } from './idempotency-key.decorator.js';
import { toCustomerView } from './order-view.assembler.js';
import { OrdersService } from './orders.service.js';

export const ORDER_REF_PARAM = {
  name: 'orderId',
  description: 'Order id or order number (e.g. DKT-261125-7KQ2XM)',
};

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Auth()
  @ApiOperation({
    summary: 'Place an order',
    description:
      'Prices every line on the server, reserves stock for all lines or none, and stores the ' +
      'order as `pending`. Lines for the same product are merged. With an `Idempotency-Key`, ' +
      'repeating the request returns the first order (200, header `Idempotent-Replayed: true`) ' +
      'instead of placing another; reusing a key for a different request is a 409.',
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: 'Any unique string per intended order (e.g. a UUID), scoped to the caller',
  })
  @ApiEnvelope(CustomerOrderDto, { status: 201, description: 'Order placed' })
  @ApiEnvelope(CustomerOrderDto, {
    status: 200,
    description: 'Replay of an earlier Idempotency-Key',
  })
  @ApiErrors(400, 404, 409)
  async place(
    @CurrentUser() user: AuthUser,
    @Body() dto: PlaceOrderDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CustomerOrderDto> {
    const { order, replayed } = await this.orders.place(user, dto, idempotencyKey);
    if (replayed) res.status(200).setHeader('Idempotent-Replayed', 'true');
    return toCustomerView(order);
  }

  // Static paths before `:orderId`.
  @Get('my')
  @Auth()
  @ApiOperation({ summary: "The caller's orders, newest first; filter by status" })
  @ApiPaginatedEnvelope(CustomerOrderDto)
  @ApiErrors(400)
  async listMine(
    @CurrentUser() user: AuthUser,
    @Query() query: ListMyOrdersQueryDto,
  ): Promise<Page<CustomerOrderDto>> {
    const page = await this.orders.listMine(user.id, query);
    return { ...page, items: page.items.map(toCustomerView) };
  }

  @Get(':orderId')
  @Auth()
  @ApiOperation({
    summary: 'One order, as its customer sees it (own orders for customers; any for admins)',
    description: 'Admins get who made each status change from `GET /orders/admin/{orderId}`.',
  })
  @ApiParam(ORDER_REF_PARAM)
  @ApiEnvelope(CustomerOrderDto)
  @ApiErrors(404)
  async get(
    @CurrentUser() user: AuthUser,
    @Param('orderId') orderId: string,
  ): Promise<CustomerOrderDto> {
    return toCustomerView(await this.orders.getForViewer(user, orderId));
  }

  @Post(':orderId/cancel')
  @Auth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel own order while pending or processing',
    description:
      'Puts the units back in stock exactly once. When some parcels have already left, only ' +
      'the units not in any parcel are cancelled (see `fulfilment.cancelled`) and the order ' +
      'follows its parcels (e.g. `shipped`); with nothing left unshipped it is a 409. ' +
      'Cancelling an already cancelled order changes nothing and returns it; a shipped or ' +
      'delivered order is a 409.',
  })
  @ApiParam(ORDER_REF_PARAM)
  @ApiEnvelope(CustomerOrderDto)
  @ApiErrors(404, 409)
  async cancel(
    @CurrentUser() user: AuthUser,
    @Param('orderId') orderId: string,
  ): Promise<CustomerOrderDto> {
    return toCustomerView(await this.orders.cancelByCustomer(user, orderId));
  }
}
