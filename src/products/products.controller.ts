import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import {
  ApiEnvelope,
  ApiErrors,
  ApiPaginatedEnvelope,
} from '../common/swagger/api-responses.decorator.js';
import { Role } from '../users/role.enum.js';
import { AdjustStockDto } from './dto/adjust-stock.dto.js';
import { CreateProductDto } from './dto/create-product.dto.js';
import { AdminListProductsQueryDto, ListProductsQueryDto } from './dto/list-products.query.js';
import { ProductDto } from './dto/product.dto.js';
import { UpdateProductDto } from './dto/update-product.dto.js';
import { ProductsService } from './products.service.js';
import { Public } from '../auth/decorators/public.decorator.js';

const ProductIdParam = () => ApiParam({ name: 'id', description: 'Product id' });

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Catalogue: active products by name; search by name or SKU' })
  @ApiPaginatedEnvelope(ProductDto)
  @ApiErrors(400)
  list(@Query() query: ListProductsQueryDto): Promise<Page<ProductDto>> {
    return this.products.list({ ...query, active: true });
  }

  // Declared before `:id` so that "admin" is never read as a product id.
  @Get('admin')
  @Auth(Role.Admin)
  @ApiOperation({ summary: 'All products, active and inactive (admin); search by name or SKU' })
  @ApiPaginatedEnvelope(ProductDto)
  @ApiErrors(400)
  listAll(@Query() query: AdminListProductsQueryDto): Promise<Page<ProductDto>> {
    return this.products.list(query);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One active product' })
  @ProductIdParam()
  @ApiEnvelope(ProductDto)
  @ApiErrors(404)
  get(@Param('id') id: string): Promise<ProductDto> {
    return this.products.getActive(id);
  }

  @Post()
  @Auth(Role.Admin)
  @ApiOperation({ summary: 'Create a product (admin)' })
  @ApiEnvelope(ProductDto, { status: 201, description: 'Created' })
  @ApiErrors(400, 409)
  create(@Body() dto: CreateProductDto): Promise<ProductDto> {
    return this.products.create(dto);
  }

  @Patch(':id')
  @Auth(Role.Admin)
  @ApiOperation({ summary: 'Change name, description or price (admin); past orders keep theirs' })
  @ProductIdParam()
  @ApiEnvelope(ProductDto)
  @ApiErrors(400, 404)
  update(@Param('id') id: string, @Body() dto: UpdateProductDto): Promise<ProductDto> {
    return this.products.update(id, dto);
  }

  @Post(':id/stock')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Add or remove units atomically (admin)' })
  @ProductIdParam()
  @ApiEnvelope(ProductDto)
  @ApiErrors(400, 404, 409)
  adjustStock(@Param('id') id: string, @Body() dto: AdjustStockDto): Promise<ProductDto> {
    return this.products.adjustStock(id, dto.delta);
  }

  @Post(':id/deactivate')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Take a product off sale (admin); existing orders are unaffected' })
  @ProductIdParam()
  @ApiEnvelope(ProductDto)
  @ApiErrors(404)
  deactivate(@Param('id') id: string): Promise<ProductDto> {
    return this.products.setActive(id, false);
  }

  @Post(':id/activate')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Put a product back on sale (admin)' })
  @ProductIdParam()
  @ApiEnvelope(ProductDto)
  @ApiErrors(404)
  activate(@Param('id') id: string): Promise<ProductDto> {
    return this.products.setActive(id, true);
  }
}
