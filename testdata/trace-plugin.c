/* A plugin whose answer comes from its own DT_NEEDED library (who.c). */
const char *who(void);
const char *plugin_name(void);

const char *plugin_name(void)
{
	return who();
}
