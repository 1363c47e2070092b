/** A valid Indian shipping address for placing orders in tests. */
export const ADDRESS = {
  fullName: 'Asha Rao',
  phone: '9876543210',
  line1: '12, 4th Cross, Malleshwaram',
  city: 'Bengaluru',
  state: 'Karnataka',
  pincode: '560003',
  country: 'IN',
};
