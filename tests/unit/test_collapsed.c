/* test_collapsed.c: the profile and the collapsed writer: interning, ordering, merging with
 * -n, the idle line, and the exact text. */
#include <stdlib.h>

#include "check.h"
#include "output/output.h"
#include "profile/profile.h"

static char *write_text(const struct profile *p, int lines, int idle)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct out_options o = { .line_numbers = lines, .include_idle = idle };
	out_collapsed_write(p, &o, f);
	fclose(f);
	return text;
}

int main(void)
{
	struct profile p;
	profile_init(&p);
	uint32_t mod = profile_frame(&p, "a.py", "<module>", 10);
	uint32_t f3 = profile_frame(&p, "a.py", "f", 3);
	uint32_t f4 = profile_frame(&p, "a.py", "f", 4);
	uint32_t g = profile_frame(&p, "b.py", "g", 7);
	CHECK_INT(profile_frame(&p, "a.py", "f", 3), f3, "a frame is interned once");

	uint32_t s1[] = { mod, f3, g }, s2[] = { mod, f4, g }, s3[] = { mod };
	for (int i = 0; i < 5; i++)
		profile_add_stack(&p, s1, 3, 1);
	profile_add_stack(&p, s2, 3, 2);
	profile_add_stack(&p, s3, 1, 1);
	p.idle = 4;
	CHECK_INT(profile_stack_count(&p), 3, "three distinct stacks kept");

	char *t = write_text(&p, 1, 1);
	CHECK_STR(t, "a.py:<module>:10 1\n"
		     "a.py:<module>:10;a.py:f:3;b.py:g:7 5\n"
		     "a.py:<module>:10;a.py:f:4;b.py:g:7 2\n"
		     "(idle) 4\n",
		  "collapsed text, sorted, idle last");
	free(t);
	t = write_text(&p, 0, 0);
	CHECK_STR(t, "a.py:<module> 1\n"
		     "a.py:<module>;a.py:f;b.py:g 7\n",
		  "-n merges lines of one function; -x drops idle");
	free(t);

	/* Memory follows distinct stacks, not samples. */
	for (int i = 0; i < 100000; i++)
		profile_add_stack(&p, s1, 3, 1);
	CHECK_INT(profile_stack_count(&p), 3, "100000 more samples add no stacks");
	profile_release(&p);
	return check_exit();
}
