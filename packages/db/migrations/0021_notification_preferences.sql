-- Notifications, version 21: what each person wants by email. No row: mentions only.
CREATE TABLE notification_preferences (
  user_id     uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  email       text NOT NULL CHECK (email IN ('off', 'mentions', 'all')),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
