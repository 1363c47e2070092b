/** Demo accounts seeded when DEMO_DATA is on (default in development). Stated in README. */
export const DEMO_ADMIN = {
  email: 'admin@docket.local',
  password: 'DocketAdmin#2026',
  firstName: 'Devika',
  lastName: 'Admin',
};

export const DEMO_CUSTOMER = {
  email: 'asha@docket.local',
  password: 'DocketCustomer#2026',
  firstName: 'Asha',
  lastName: 'Rao',
  phone: '9876543210',
};
