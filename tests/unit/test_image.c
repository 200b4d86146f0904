/* test_image.c: memory images: a recorder's output replays byte for byte, reads outside the
 * recorded pages fail, and malformed or hostile image bytes are refused without crashing. */
#include <stdlib.h>

#include "check.h"
#include "mem/image.h"
#include "mem/reader.h"

/* A fake target: 3 pages at 0x10000 filled with a pattern. */
#define BASE 0x10000u
static uint8_t target[3 * 4096];

static int fake_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	(void)r;
	if (addr < BASE || addr + len > BASE + sizeof target)
		return MEM_EFAULT;
	memcpy(buf, target + (addr - BASE), len);
	return 0;
}

static void fake_free(struct mem_reader *r)
{
	(void)r;
}

int main(void)
{
	for (size_t i = 0; i < sizeof target; i++)
		target[i] = (uint8_t)(i * 7 + 3);
	struct mem_reader fake = { .read = fake_read, .free = fake_free };
	struct mem_reader *rec = mem_record_new(&fake);
	uint8_t buf[64];
	CHECK_INT(mem_read(rec, BASE + 100, buf, 8), 0, "recorder passes reads through");
	CHECK_INT(mem_read(rec, BASE + 4096 * 2 + 10, buf, 16), 0, "a read on the third page");
	CHECK(mem_read(rec, 0x90000, buf, 8) != 0, "recorder passes failures through");

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CHECK_INT(mem_record_write(rec, "version 3.12.1\n", f), 0, "image written");
	fclose(f);
	mem_reader_free(rec);

	char *meta = NULL;
	struct mem_reader *img = mem_image_parse((uint8_t *)text, len, &meta);
	CHECK(img != NULL, "image parses");
	CHECK_STR(meta, "version 3.12.1\n", "metadata comes back");
	CHECK_INT(mem_read(img, BASE + 100, buf, 8), 0, "recorded bytes replay");
	CHECK(memcmp(buf, target + 100, 8) == 0, "replayed bytes are the target's");
	CHECK_INT(mem_read(img, BASE + 4000, buf, 64), 0, "whole recorded page replays");
	CHECK(mem_read(img, BASE + 4096 + 5, buf, 8) != 0, "an unrecorded page fails");
	CHECK(mem_read(img, BASE + 2 * 4096 + 4090, buf, 16) != 0, "a read past the end fails");
	mem_reader_free(img);
	free(meta);

	/* Every truncation of a valid image, and many corrupted copies, must be refused or
	 * read safely. */
	int refused = 0;
	for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 97)) {
		struct mem_reader *r = mem_image_parse((uint8_t *)text, cut, NULL);
		if (!r)
			refused++;
		mem_reader_free(r);
	}
	CHECK(refused > 0, "truncated images are refused");
	srand(1);
	int bad_magic = 0, bad_magic_accepted = 0;
	for (int i = 0; i < 2000; i++) {
		uint8_t *copy = malloc(len);
		memcpy(copy, text, len);
		for (int k = 0; k < 4; k++)
			copy[(size_t)rand() % (len < 64 ? len : 64)] = (uint8_t)rand();
		char *m = NULL;
		struct mem_reader *r = mem_image_parse(copy, len, &m);
		if (memcmp(copy, text, 9) != 0) {
			bad_magic++;
			bad_magic_accepted += r != NULL;
		}
		if (r)
			mem_read(r, BASE + (uint64_t)(rand() % 20000), buf, 8);
		mem_reader_free(r);
		free(m);
		free(copy);
	}
	/* The rest of the 2000 must simply not crash (the sanitizer build checks that). */
	CHECK(bad_magic > 0 && bad_magic_accepted == 0, "corrupted magic is always refused");
	free(text);
	return check_exit();
}
