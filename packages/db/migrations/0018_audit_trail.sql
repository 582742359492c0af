-- Audit trail, version 18: the role each person acted in, recorded as they act (a later role change
-- does not rewrite history), and the reads of the workspace activity view.

-- owner/producer/editor/reviewer, or 'guest' for a review link's guest; null on rows from before
-- this migration (the trail shows the person's role now for those).
ALTER TABLE generations ADD COLUMN actor_role text CHECK (actor_role IN ('owner', 'producer', 'editor', 'reviewer', 'guest'));
ALTER TABLE comments ADD COLUMN actor_role text CHECK (actor_role IN ('owner', 'producer', 'editor', 'reviewer', 'guest'));
ALTER TABLE review_decisions ADD COLUMN actor_role text CHECK (actor_role IN ('owner', 'producer', 'editor', 'reviewer', 'guest'));

-- Filled in by the database on insert, so every path that writes one of these rows records it.
CREATE FUNCTION record_actor_role() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor uuid;
  ws uuid;
BEGIN
  IF NEW.actor_role IS NOT NULL THEN
    RETURN NEW;
  END IF;
  IF TG_TABLE_NAME = 'generations' THEN
    actor := NEW.created_by;
    ws := NEW.workspace_id;
  ELSIF TG_TABLE_NAME = 'comments' THEN
    IF NEW.guest THEN
      NEW.actor_role := 'guest';
      RETURN NEW;
    END IF;
    actor := NEW.author_id;
    SELECT workspace_id INTO ws FROM boards WHERE id = NEW.board_id;
  ELSE
    actor := NEW.decided_by;
    SELECT workspace_id INTO ws FROM boards WHERE id = NEW.board_id;
  END IF;
  SELECT role::text INTO NEW.actor_role FROM memberships WHERE workspace_id = ws AND user_id = actor;
  RETURN NEW;
END $$;

CREATE TRIGGER generations_actor_role BEFORE INSERT ON generations FOR EACH ROW EXECUTE FUNCTION record_actor_role();
CREATE TRIGGER comments_actor_role BEFORE INSERT ON comments FOR EACH ROW EXECUTE FUNCTION record_actor_role();
CREATE TRIGGER review_decisions_actor_role BEFORE INSERT ON review_decisions FOR EACH ROW EXECUTE FUNCTION record_actor_role();

-- The trail of a board, newest first, and a person's part in it.
CREATE INDEX comments_board_time ON comments (board_id, created_at DESC, id DESC);
CREATE INDEX review_decisions_board_time ON review_decisions (board_id, created_at DESC, id DESC);
CREATE INDEX generations_board_time ON generations (board_id, created_at DESC, id DESC);
