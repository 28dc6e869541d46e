/* Names and texts of status codes, from the one table in status.h. */
#include "femto/status.h"

#include <stddef.h>

const char *fc_status_text(int status)
{
    switch (status) {
#define FC_STATUS_TEXT_(name, num, text)                                                           \
    case num:                                                                                      \
        return text;
        FC_STATUS_TABLE(FC_STATUS_TEXT_)
#undef FC_STATUS_TEXT_
    default:
        return "?";
    }
}

const char *fc_status_name(int status)
{
    switch (status) {
#define FC_STATUS_NAME_(name, num, text)                                                           \
    case num:                                                                                      \
        return #name;
        FC_STATUS_TABLE(FC_STATUS_NAME_)
#undef FC_STATUS_NAME_
    default:
        return "?";
    }
}
