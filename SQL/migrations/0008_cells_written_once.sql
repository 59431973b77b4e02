-- result.cell rows are now written once, with their suppression decision
-- (SQL/indicators/suppress.sql inserts them after deciding); nothing updates
-- them in place any more, so the room 0003 left in each page for those
-- updates is no longer needed. (Applies to pages written from now on.)
ALTER TABLE result.cell SET (fillfactor = 100);
