-- Live status: every new demo_events row is announced on the `showrunner_events` channel with its id
-- and demo id (never the data: NOTIFY payloads are capped at 8000 bytes, and a listener reads the rows
-- by id anyway, which is also how a reconnecting page catches up). Sent when the inserting
-- transaction commits, so a listener never sees an event it cannot read yet.
CREATE OR REPLACE FUNCTION "showrunner_notify_event"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('showrunner_events', json_build_object('id', NEW.id, 'demoId', NEW.demo_id)::text);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "demo_events_notify" AFTER INSERT ON "demo_events"
  FOR EACH ROW EXECUTE FUNCTION "showrunner_notify_event"();
--> statement-breakpoint
-- updated_at follows every UPDATE, whoever writes the row (the API, a worker's status hook).
CREATE OR REPLACE FUNCTION "showrunner_touch_updated_at"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "users_updated_at" BEFORE UPDATE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "showrunner_touch_updated_at"();
--> statement-breakpoint
CREATE TRIGGER "demos_updated_at" BEFORE UPDATE ON "demos"
  FOR EACH ROW EXECUTE FUNCTION "showrunner_touch_updated_at"();
--> statement-breakpoint
CREATE TRIGGER "runs_updated_at" BEFORE UPDATE ON "runs"
  FOR EACH ROW EXECUTE FUNCTION "showrunner_touch_updated_at"();
