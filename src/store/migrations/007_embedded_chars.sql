-- Characters of the prompt that reached the embedder when the input budget cut it (NULL: all of
-- them). prompt_chars keeps the full length, so a cut decision reads prompt_chars → embedded_chars.
ALTER TABLE decisions ADD COLUMN embedded_chars INTEGER;
