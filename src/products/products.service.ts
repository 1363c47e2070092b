import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, mongo, trusted } from 'mongoose';
import { Page, skipFor } from '../common/pagination/pagination.js';
import { CreateProductDto } from './dto/create-product.dto.js';
import { ProductDto } from './dto/product.dto.js';
import { UpdateProductDto } from './dto/update-product.dto.js';
import {
  InsufficientStockError,
  ProductInactiveError,
  ProductNotFoundError,
  SkuTakenError,
} from './products.errors.js';
import { KeyedMutex } from './keyed-mutex.js';
import { Product } from './schemas/product.schema.js';
import { isDuplicateKeyError } from '../common/database/duplicate-key.js';

/** One line of stock to reserve or release. */
export interface StockLine {
  productId: string;
  quantity: number;
}

/** What an order needs to know about a product to price a line. */
export interface ProductSnapshot {
  id: string;
  sku: string;
  name: string;
  pricePaise: number;
  active: boolean;
}

export interface NewProduct {
  sku: string;
  name: string;
  description?: string;
  pricePaise: number;
  stock: number;
  active?: boolean;
}

type LeanProduct = Product & { _id: mongo.ObjectId };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

@Injectable()
export class ProductsService {
  private readonly logger = new Logger(ProductsService.name);
  /** Every write to one product document goes through here; see KeyedMutex for why. */
  private readonly writes = new KeyedMutex();

  constructor(@InjectModel(Product.name) private readonly products: Model<Product>) {}

  /** @throws SkuTakenError when the SKU exists (unique index). */
  async create(input: CreateProductDto | NewProduct): Promise<ProductDto> {
    try {
      const created = await this.products.create({
        ...input,
        description: input.description ?? '',
      });
      return toProductDto(created.toObject());
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new SkuTakenError(input.sku.toUpperCase());
      }
      throw error;
    }
  }

  /** Inserts the product unless its SKU exists; never changes an existing one. Idempotent. */
  async ensureBySku(input: NewProduct): Promise<boolean> {
    const sku = input.sku.trim().toUpperCase();
    try {
      const result = await this.products.updateOne(
        { sku },
        {
          $setOnInsert: {
            sku,
            name: input.name,
            description: input.description ?? '',
            pricePaise: input.pricePaise,
            stock: input.stock,
            active: input.active ?? true,
          },
        },
        { upsert: true, runValidators: true },
      );
      return result.upsertedCount > 0;
    } catch (error) {
      // Another process inserted the same SKU between our lookup and insert.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The public view: inactive products do not exist. */
  async getActive(id: string): Promise<ProductDto> {
    const product = isValidObjectId(id)
      ? await this.products.findOne({ _id: id, active: true }).lean<LeanProduct>()
      : null;
    if (!product) throw new ProductNotFoundError([id]);
    return toProductDto(product);
  }

  async list(query: {
    page: number;
    limit: number;
    search?: string;
    active?: boolean;
  }): Promise<Page<ProductDto>> {
    const filter: Record<string, unknown> = {};
    if (query.active !== undefined) filter.active = query.active;
    const search = query.search?.trim();
    if (search) {
      const pattern = new RegExp(escapeRegex(search), 'i');
      filter.$or = [{ name: pattern }, { sku: pattern }];
    }
    const [items, total] = await Promise.all([
      this.products
        .find(filter)
        .sort({ name: 1, _id: 1 })
        .skip(skipFor(query))
        .limit(query.limit)
        .lean<LeanProduct[]>(),
      this.products.countDocuments(filter),
    ]);
    return { items: items.map(toProductDto), page: query.page, limit: query.limit, total };
  }

  async update(id: string, changes: UpdateProductDto): Promise<ProductDto> {
    return this.updateById(id, { $set: changes });
  }

  async setActive(id: string, active: boolean): Promise<ProductDto> {
    return this.updateById(id, { $set: { active } });
  }

  /**
   * Adds (or removes) units in one atomic `$inc`, so it never overwrites a concurrent
   * reservation. @throws InsufficientStockError when removing more than is on hand.
   */
  async adjustStock(id: string, delta: number): Promise<ProductDto> {
    if (!isValidObjectId(id)) throw new ProductNotFoundError([id]);
    const filter = delta < 0 ? { _id: id, stock: trusted({ $gte: -delta }) } : { _id: id };
    const updated = await this.writeLocked(id, () =>
      this.products
        .findOneAndUpdate(filter, { $inc: { stock: delta } }, { returnDocument: 'after' })
        .lean<LeanProduct>(),
    );
    if (updated) return toProductDto(updated);
    const existing = await this.products.findById(id, { sku: 1 }).lean<LeanProduct>();
    if (!existing) throw new ProductNotFoundError([id]);
    throw new InsufficientStockError({ id, sku: existing.sku, requested: -delta });
  }

  /** Pricing facts for the given products in one query; unknown ids are simply absent. */
  async findSnapshots(ids: string[]): Promise<Map<string, ProductSnapshot>> {
    const valid = ids.filter((id) => isValidObjectId(id));
    const products = await this.products
      .find({ _id: trusted({ $in: valid }) }, { sku: 1, name: 1, pricePaise: 1, active: 1 })
      .lean<LeanProduct[]>();
    return new Map(
      products.map((p) => [
        String(p._id),
        { id: String(p._id), sku: p.sku, name: p.name, pricePaise: p.pricePaise, active: p.active },
      ]),
    );
  }

  /**
   * Takes each line's units off the shelf with a conditional decrement (only an active product
   * with enough stock matches), so concurrent orders can never oversell. All or nothing: when a
   * line fails, the lines already reserved are put back before the error is thrown.
   * Lines are taken in product-id order, so concurrent multi-line orders contend in the same
   * order and one cannot starve another by briefly holding units it later gives back.
   * @throws InsufficientStockError | ProductInactiveError | ProductNotFoundError
   */
  async reserveStock(lines: StockLine[]): Promise<void> {
    const reserved: StockLine[] = [];
    const ordered = [...lines].sort((a, b) => a.productId.localeCompare(b.productId));
    for (const line of ordered) {
      const result = await this.writeLocked(line.productId, () =>
        this.products.updateOne(
          { _id: line.productId, active: true, stock: trusted({ $gte: line.quantity }) },
          { $inc: { stock: -line.quantity } },
        ),
      );
      if (result.modifiedCount === 1) {
        reserved.push(line);
        continue;
      }
      await this.releaseQuietly(reserved);
      throw await this.whyUnreservable(line);
    }
  }

  /** Puts reserved units back (a cancelled order, a failed placement). */
  async releaseStock(lines: StockLine[]): Promise<void> {
    const failed = await this.releaseQuietly(lines);
    if (failed.length) {
      throw new Error(`Could not release stock for ${failed.map((l) => l.productId).join(', ')}`);
    }
  }

  /** Releases every line it can; logs and returns those it could not, for manual repair. */
  private async releaseQuietly(lines: StockLine[]): Promise<StockLine[]> {
    const failed: StockLine[] = [];
    for (const line of lines) {
      try {
        await this.writeLocked(line.productId, () =>
          this.products.updateOne({ _id: line.productId }, { $inc: { stock: line.quantity } }),
        );
      } catch (error) {
        failed.push(line);
        this.logger.error(
          `Stock release failed: product ${line.productId} is owed ${line.quantity} unit(s): ${String(error)}`,
        );
      }
    }
    return failed;
  }

  private async whyUnreservable(line: StockLine): Promise<Error> {
    const product = await this.products
      .findById(line.productId, { sku: 1, active: 1 })
      .lean<LeanProduct>();
    if (!product) return new ProductNotFoundError([line.productId]);
    if (!product.active)
      return new ProductInactiveError([{ id: line.productId, sku: product.sku }]);
    return new InsufficientStockError({
      id: line.productId,
      sku: product.sku,
      requested: line.quantity,
    });
  }

  private writeLocked<T>(productId: string, work: () => Promise<T>): Promise<T> {
    return this.writes.run(productId.toLowerCase(), work);
  }

  private async updateById(id: string, update: Record<string, unknown>): Promise<ProductDto> {
    const product = isValidObjectId(id)
      ? await this.writeLocked(id, () =>
          this.products
            .findOneAndUpdate({ _id: id }, update, { returnDocument: 'after', runValidators: true })
            .lean<LeanProduct>(),
        )
      : null;
    if (!product) throw new ProductNotFoundError([id]);
    return toProductDto(product);
  }
}

export function toProductDto(product: LeanProduct): ProductDto {
  return {
    id: String(product._id),
    sku: product.sku,
    name: product.name,
    description: product.description,
    pricePaise: product.pricePaise,
    stock: product.stock,
    active: product.active,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  };
}
