-- The semantic layer the natural-language test set relies on: business terms that are not in the schema
-- of `events`, defined the way a user would define them.
CREATE METRIC revenue AS sum(price * quantity) WHERE action_type = 'purchase';
CREATE METRIC conversion_rate AS countIf(action_type = 'purchase') / count();
CREATE METRIC average_order_value AS avg(price * quantity) WHERE action_type = 'purchase';
CREATE SYNONYM orders FOR action_type = 'purchase';
CREATE SYNONYM sales FOR action_type = 'purchase';
CREATE SYNONYM customers FOR user_id;
CREATE SYNONYM shoppers FOR user_id;
