import { PartialType, PickType } from '@nestjs/swagger';
import { CreateProductDto } from './create-product.dto.js';

/**
 * Name, description and price. The SKU is the product's identity and never changes; stock moves
 * only by atomic adjustment (`POST /products/:id/stock`) so an edit cannot overwrite units that
 * orders reserved in the meantime.
 */
export class UpdateProductDto extends PartialType(
  PickType(CreateProductDto, ['name', 'description', 'pricePaise'] as const),
) {}
