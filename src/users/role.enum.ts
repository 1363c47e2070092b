export enum Role {
  Customer = 'customer',
  Admin = 'admin',
}
