import type { NewProduct } from '../../products/products.service.js';

/** A small catalogue for local runs; inserted by SKU at boot when demo data is on. */
export const DEMO_PRODUCTS: readonly NewProduct[] = [
  {
    sku: 'DKT-RING-001',
    name: '22K Gold Solitaire Ring',
    description: 'BIS-hallmarked 22K yellow gold ring with a 0.25 ct lab-grown solitaire.',
    pricePaise: 4_850_000,
    stock: 6,
  },
  {
    sku: 'DKT-JHMK-002',
    name: 'Temple Jhumka Earrings',
    description:
      'Gold-plated silver jhumkas with Lakshmi motif and pearl drops, South Indian temple style.',
    pricePaise: 689_900,
    stock: 25,
  },
  {
    sku: 'DKT-MNGL-003',
    name: 'Mangalsutra with Black Beads',
    description: '18K gold pendant on a double strand of black beads, 20 inch chain.',
    pricePaise: 3_275_000,
    stock: 10,
  },
  {
    sku: 'DKT-KUND-004',
    name: 'Kundan Choker Necklace Set',
    description:
      'Handcrafted Jaipur kundan choker with matching earrings, green enamel (meenakari) back.',
    pricePaise: 1_549_900,
    stock: 8,
  },
  {
    sku: 'DKT-BANG-005',
    name: 'Antique Gold Bangles (Set of 2)',
    description: 'Antique-finish 22K gold bangles with filigree work, size 2.6.',
    pricePaise: 9_800_000,
    stock: 4,
  },
  {
    sku: 'DKT-NOSE-006',
    name: 'Diamond Nose Pin',
    description: '14K rose gold nose pin with a single 0.05 ct diamond, screw back.',
    pricePaise: 1_249_900,
    stock: 30,
  },
  {
    sku: 'DKT-ANKL-007',
    name: 'Silver Payal Anklets (Pair)',
    description: '92.5 sterling silver anklets with ghungroo bells, 10.5 inch.',
    pricePaise: 349_900,
    stock: 40,
  },
  {
    sku: 'DKT-MAAN-008',
    name: 'Maang Tikka with Polki',
    description: 'Bridal maang tikka with uncut polki stones and pearl hangings.',
    pricePaise: 899_900,
    stock: 12,
  },
];
